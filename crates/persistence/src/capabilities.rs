//! Seller capabilities: one row per seller an admin has set (none: no capability, version 0).

use diesel::prelude::*;
use shelf_domain::capability::Capabilities;

use crate::schema::seller_capabilities as caps;
use crate::{DbConnection, Error, Result, now, to_db_time};

/// The seller's capabilities and their version (0 before an admin ever set them).
pub fn of_seller(conn: &mut DbConnection, seller_id: &str) -> Result<(Capabilities, i64)> {
    let row: Option<(bool, bool, i64)> = caps::table
        .find(seller_id)
        .select((caps::hardware, caps::joint_operations, caps::version))
        .first(conn)
        .optional()?;
    Ok(row.map_or((Capabilities::default(), 0), |(hardware, joint_operations, version)| {
        (Capabilities { hardware, joint_operations }, version)
    }))
}

/// Replaces them if still at `expected_version`; returns the new version.
pub fn replace(conn: &mut DbConnection, seller_id: &str, to: &Capabilities, expected_version: i64) -> Result<i64> {
    let at = to_db_time(now());
    let changed = if expected_version == 0 {
        diesel::insert_into(caps::table)
            .values((
                caps::seller_id.eq(seller_id),
                caps::hardware.eq(to.hardware),
                caps::joint_operations.eq(to.joint_operations),
                caps::version.eq(1),
                caps::updated_at.eq(at),
            ))
            .execute(conn)?
    } else {
        diesel::update(caps::table.filter(caps::seller_id.eq(seller_id).and(caps::version.eq(expected_version))))
            .set((
                caps::hardware.eq(to.hardware),
                caps::joint_operations.eq(to.joint_operations),
                caps::version.eq(expected_version + 1),
                caps::updated_at.eq(at),
            ))
            .execute(conn)?
    };
    if changed == 0 { Err(Error::VersionMismatch) } else { Ok(expected_version + 1) }
}
