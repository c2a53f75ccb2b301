//! A draft's files: the logo and the request templates, added and removed while the draft is editable.

use shelf_domain::{DraftAction, DraftId, SellerId};
use shelf_persistence::files::{self, BlobStore, FileRow, NewFile};
use shelf_persistence::{Db, drafts};

use crate::Result;

/// Stores a checked file on an editable draft: the logo replaces the previous one; request templates
/// are added while there is room.
pub fn add(db: &Db, blobs: &BlobStore, seller: &SellerId, draft: &DraftId, file: NewFile<'_>) -> Result<FileRow> {
    db.write(|c| {
        let current = drafts::get_for_seller(c, seller.as_str(), draft.as_str())?;
        current.state.allow(DraftAction::ChangeFiles)?;
        file.kind.check_room(files::count_of_kind(c, draft.as_str(), file.kind)?)?;
        Ok(files::add(c, blobs, seller.as_str(), draft.as_str(), file)?)
    })
}

/// Removes a file of an editable draft and releases its bytes when nothing else refers to them.
pub fn remove(
    db: &Db,
    blobs: &BlobStore,
    seller: &SellerId,
    draft: &DraftId,
    kind: files::FileKind,
    id: &str,
) -> Result<()> {
    db.write(|c| {
        let current = drafts::get_for_seller(c, seller.as_str(), draft.as_str())?;
        current.state.allow(DraftAction::ChangeFiles)?;
        Ok(files::remove(c, blobs, seller.as_str(), draft.as_str(), kind, id)?)
    })
}
