//! The seller's attribute catalogue. Every query is scoped by `seller_id`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use shelf_domain::attribute::{Attribute, CatalogueAttribute};

use crate::schema::attributes;
use crate::{DbConnection, Error, Page, Paged, Result, from_db_time, new_id, now, to_db_time, to_json};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attributes)]
pub struct AttributeRow {
    pub id: String,
    pub seller_id: String,
    pub code: String,
    pub definition: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<AttributeRow> for Attribute {
    type Error = Error;

    fn try_from(row: AttributeRow) -> Result<Attribute> {
        Ok(Attribute {
            definition: serde_json::from_str(&row.definition)
                .map_err(|e| Error::Corrupt(format!("attribute {}: {e}", row.id)))?,
            id: row.id,
            seller_id: row.seller_id,
            version: row.version,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
        })
    }
}

fn code_taken(e: DieselError, code: &str) -> Error {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            Error::Conflict(format!("you already have an attribute with code `{code}`"))
        }
        other => other.into(),
    }
}

pub fn insert(conn: &mut DbConnection, seller_id: &str, definition: &CatalogueAttribute) -> Result<Attribute> {
    let at = to_db_time(now());
    let row = AttributeRow {
        id: new_id(),
        seller_id: seller_id.to_owned(),
        code: definition.code.clone(),
        definition: to_json(definition)?,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(attributes::table).values(&row).execute(conn).map_err(|e| code_taken(e, &definition.code))?;
    row.try_into()
}

crate::owned::seller_catalogue!(attributes, AttributeRow, Attribute);

pub fn update_if_version(
    conn: &mut DbConnection,
    seller_id: &str,
    id: &str,
    expected_version: i64,
    definition: &CatalogueAttribute,
) -> Result<Attribute> {
    let target = attributes::table.filter(
        attributes::seller_id.eq(seller_id).and(attributes::id.eq(id)).and(attributes::version.eq(expected_version)),
    );
    let updated: Option<AttributeRow> = diesel::update(target)
        .set((
            attributes::code.eq(&definition.code),
            attributes::definition.eq(to_json(definition)?),
            attributes::version.eq(expected_version + 1),
            attributes::updated_at.eq(to_db_time(now())),
        ))
        .returning(attributes::all_columns)
        .get_result(conn)
        .optional()
        .map_err(|e| code_taken(e, &definition.code))?;
    match updated {
        Some(row) => row.try_into(),
        None => Err(get_for_seller(conn, seller_id, id).err().unwrap_or(Error::VersionMismatch)),
    }
}
