//! Internal messages: what the seller reads in the console.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::page::keyset;
use crate::schema::messages;
use crate::{DbConnection, Error, Page, Paged, Result, from_db_time, new_id, now, to_db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: String,
    pub seller_id: String,
    pub application_id: Option<String>,
    pub subject: String,
    pub body: String,
    pub read_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl MessageRow {
    pub fn read_at(&self) -> Option<DateTime<Utc>> {
        self.read_at.map(from_db_time)
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        from_db_time(self.created_at)
    }
}

pub fn add_message(
    conn: &mut DbConnection,
    seller_id: &str,
    application_id: Option<&str>,
    subject: &str,
    body: &str,
) -> Result<()> {
    diesel::insert_into(messages::table)
        .values((
            messages::id.eq(new_id()),
            messages::seller_id.eq(seller_id),
            messages::application_id.eq(application_id),
            messages::subject.eq(subject),
            messages::body.eq(body),
            messages::created_at.eq(to_db_time(now())),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn list_messages(
    conn: &mut DbConnection,
    seller_id: &str,
    unread_only: bool,
    page: &Page,
) -> Result<Paged<MessageRow>> {
    let mut query = messages::table.filter(messages::seller_id.eq(seller_id)).into_boxed();
    if unread_only {
        query = query.filter(messages::read_at.is_null());
    }
    let rows = keyset!(query, messages::id, page).select(MessageRow::as_select()).load(conn)?;
    Ok(page.finish(rows, |r| r.id.clone()))
}

/// Marks a message read (once; repeating keeps the first time).
pub fn mark_read(conn: &mut DbConnection, seller_id: &str, id: &str) -> Result<MessageRow> {
    let this = messages::table.filter(messages::seller_id.eq(seller_id).and(messages::id.eq(id)));
    diesel::update(this.filter(messages::read_at.is_null()))
        .set(messages::read_at.eq(Some(to_db_time(now()))))
        .execute(conn)?;
    this.select(MessageRow::as_select()).first(conn).optional()?.ok_or(Error::NotFound)
}
