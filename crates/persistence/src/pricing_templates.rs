//! The seller's pricing templates. Every query is scoped by `seller_id`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shelf_domain::pricing::template::{PricingTemplate, PricingTemplateBody};

use crate::schema::pricing_templates as templates;
use crate::{DbConnection, Error, Page, Paged, Result, from_db_time, new_id, now, to_db_time, to_json};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = templates)]
pub struct PricingTemplateRow {
    pub id: String,
    pub seller_id: String,
    pub name: String,
    pub currency: String,
    pub price: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<PricingTemplateRow> for PricingTemplate {
    type Error = Error;

    fn try_from(row: PricingTemplateRow) -> Result<PricingTemplate> {
        let price = serde_json::from_str(&row.price)
            .map_err(|e| Error::Corrupt(format!("pricing template {}: {e}", row.id)))?;
        Ok(PricingTemplate {
            body: PricingTemplateBody { name: row.name, currency: row.currency, price },
            id: row.id,
            seller_id: row.seller_id,
            version: row.version,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, seller_id: &str, body: &PricingTemplateBody) -> Result<PricingTemplate> {
    let at = to_db_time(now());
    let row = PricingTemplateRow {
        id: new_id(),
        seller_id: seller_id.to_owned(),
        name: body.name.clone(),
        currency: body.currency.clone(),
        price: to_json(&body.price)?,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(templates::table).values(&row).execute(conn)?;
    row.try_into()
}

crate::owned::seller_catalogue!(templates, PricingTemplateRow, PricingTemplate);

pub fn update_if_version(
    conn: &mut DbConnection,
    seller_id: &str,
    id: &str,
    expected_version: i64,
    body: &PricingTemplateBody,
) -> Result<PricingTemplate> {
    let target = templates::table.filter(
        templates::seller_id.eq(seller_id).and(templates::id.eq(id)).and(templates::version.eq(expected_version)),
    );
    let updated: Option<PricingTemplateRow> = diesel::update(target)
        .set((
            templates::name.eq(&body.name),
            templates::currency.eq(&body.currency),
            templates::price.eq(to_json(&body.price)?),
            templates::version.eq(expected_version + 1),
            templates::updated_at.eq(to_db_time(now())),
        ))
        .returning(templates::all_columns)
        .get_result(conn)
        .optional()?;
    match updated {
        Some(row) => row.try_into(),
        None => Err(get_for_seller(conn, seller_id, id).err().unwrap_or(Error::VersionMismatch)),
    }
}
