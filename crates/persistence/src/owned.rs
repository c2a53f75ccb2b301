//! The queries every table of seller-owned rows shares, written once: each table that has `id` and
//! `seller_id` columns gets them from these macros, scoped by the seller (another seller's row is
//! not found, never visible).

/// `get_for_seller`: the seller's row `id` as its domain type.
macro_rules! get_for_seller {
    ($table:ident, $row:ty, $item:ty) => {
        /// The seller's one with this id (another seller's is not found).
        pub fn get_for_seller(conn: &mut DbConnection, seller_id: &str, id: &str) -> Result<$item> {
            $table::table
                .filter($table::seller_id.eq(seller_id).and($table::id.eq(id)))
                .select(<$row>::as_select())
                .first(conn)
                .optional()?
                .ok_or(Error::NotFound)?
                .try_into()
        }
    };
}
pub(crate) use get_for_seller;

/// A seller's catalogue of versioned items (attributes, pricing templates): `get_for_seller`, and
/// `count_for_seller`, `get_many_for_seller`, `list_for_seller` and `delete_if_version`.
macro_rules! seller_catalogue {
    ($table:ident, $row:ty, $item:ty) => {
        $crate::owned::get_for_seller!($table, $row, $item);

        /// How many the seller has.
        pub fn count_for_seller(conn: &mut DbConnection, seller_id: &str) -> Result<i64> {
            Ok($table::table.filter($table::seller_id.eq(seller_id)).count().get_result(conn)?)
        }

        /// The seller's among `ids`, by id (others' and unknown ids are left out).
        pub fn get_many_for_seller(
            conn: &mut DbConnection,
            seller_id: &str,
            ids: &std::collections::BTreeSet<String>,
        ) -> Result<std::collections::BTreeMap<String, $item>> {
            if ids.is_empty() {
                return Ok(Default::default());
            }
            $table::table
                .filter($table::seller_id.eq(seller_id).and($table::id.eq_any(ids)))
                .select(<$row>::as_select())
                .load(conn)?
                .into_iter()
                .map(|row| <$item>::try_from(row).map(|item| (item.id.clone(), item)))
                .collect()
        }

        /// A page of the seller's, by id.
        pub fn list_for_seller(conn: &mut DbConnection, seller_id: &str, page: &Page) -> Result<Paged<$item>> {
            let query = $table::table.filter($table::seller_id.eq(seller_id)).into_boxed();
            let rows = $crate::page::keyset!(query, $table::id, page).select(<$row>::as_select()).load(conn)?;
            page.finish(rows, |r| r.id.clone()).try_map(<$item>::try_from)
        }

        /// Deletes the seller's one if it is still at `expected_version`; else not found, or a
        /// version mismatch.
        pub fn delete_if_version(
            conn: &mut DbConnection,
            seller_id: &str,
            id: &str,
            expected_version: i64,
        ) -> Result<()> {
            let target = $table::table.filter(
                $table::seller_id.eq(seller_id).and($table::id.eq(id)).and($table::version.eq(expected_version)),
            );
            match diesel::delete(target).execute(conn)? {
                0 => Err(get_for_seller(conn, seller_id, id).err().unwrap_or(Error::VersionMismatch)),
                _ => Ok(()),
            }
        }
    };
}
pub(crate) use seller_catalogue;
