//! Sellers' SaaS endpoints and their access verifications (the newest kept); every query is scoped
//! by `seller_id`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::page::keyset;
use crate::schema::{saas_endpoints as endpoints, saas_verifications as verifications};
use crate::{DbConnection, Error, Page, Paged, Result, from_db_time, new_id, now, to_db_time};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = endpoints)]
struct EndpointRow {
    id: String,
    seller_id: String,
    url: String,
    secret: String,
    last_passed_at: Option<NaiveDateTime>,
    version: i64,
    created_at: NaiveDateTime,
}

/// A SaaS endpoint of a seller's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaasEndpoint {
    pub id: String,
    pub seller_id: String,
    pub url: String,
    pub secret: String,
    pub last_passed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<EndpointRow> for SaasEndpoint {
    type Error = Error;

    fn try_from(r: EndpointRow) -> Result<SaasEndpoint> {
        Ok(SaasEndpoint {
            id: r.id,
            seller_id: r.seller_id,
            url: r.url,
            secret: r.secret,
            last_passed_at: r.last_passed_at.map(from_db_time),
            version: r.version,
            created_at: from_db_time(r.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, seller_id: &str, url: &str, secret: &str) -> Result<SaasEndpoint> {
    let row = EndpointRow {
        id: new_id(),
        seller_id: seller_id.to_owned(),
        url: url.to_owned(),
        secret: secret.to_owned(),
        last_passed_at: None,
        version: 1,
        created_at: to_db_time(now()),
    };
    diesel::insert_into(endpoints::table).values(&row).execute(conn)?;
    row.try_into()
}

crate::owned::get_for_seller!(endpoints, EndpointRow, SaasEndpoint);

pub fn count_for_seller(conn: &mut DbConnection, seller_id: &str) -> Result<i64> {
    Ok(endpoints::table.filter(endpoints::seller_id.eq(seller_id)).count().get_result(conn)?)
}

pub fn list_for_seller(conn: &mut DbConnection, seller_id: &str, page: &Page) -> Result<Paged<SaasEndpoint>> {
    let query = endpoints::table.filter(endpoints::seller_id.eq(seller_id)).into_boxed();
    let rows = keyset!(query, endpoints::id, page).select(EndpointRow::as_select()).load(conn)?;
    page.finish(rows, |r| r.id.clone()).try_map(SaasEndpoint::try_from)
}

/// The latest time a seller's endpoint at exactly this URL passed its verification.
pub fn last_pass_of_url(conn: &mut DbConnection, seller_id: &str, url: &str) -> Result<Option<DateTime<Utc>>> {
    let latest: Option<NaiveDateTime> = endpoints::table
        .filter(endpoints::seller_id.eq(seller_id).and(endpoints::url.eq(url)))
        .select(diesel::dsl::max(endpoints::last_passed_at))
        .first(conn)?;
    Ok(latest.map(from_db_time))
}

/// Deletes the seller's endpoint if still at `version`, with its verifications.
pub fn delete(conn: &mut DbConnection, current: &SaasEndpoint) -> Result<()> {
    diesel::delete(verifications::table.filter(verifications::endpoint_id.eq(&current.id))).execute(conn)?;
    let this = endpoints::table.filter(endpoints::id.eq(&current.id).and(endpoints::version.eq(current.version)));
    if diesel::delete(this).execute(conn)? == 0 {
        return Err(Error::VersionMismatch);
    }
    Ok(())
}

/// One verification attempt.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = verifications)]
pub struct VerificationRow {
    pub id: String,
    pub endpoint_id: String,
    pub passed: bool,
    pub status: Option<i32>,
    pub latency_ms: Option<i64>,
    pub error: Option<String>,
    pub at: NaiveDateTime,
}

impl VerificationRow {
    /// When it ran.
    pub fn at(&self) -> DateTime<Utc> {
        from_db_time(self.at)
    }
}

/// What a verification came to.
pub struct NewVerification<'a> {
    pub passed: bool,
    pub status: Option<u16>,
    pub latency_ms: Option<i64>,
    pub error: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Records a verification (keeping the newest `keep`), and a pass on the endpoint. `NotFound` when the
/// endpoint was deleted while it was being verified: the row is touched first, which on PostgreSQL
/// also holds off a concurrent delete until this transaction ends.
pub fn record(
    conn: &mut DbConnection,
    endpoint: &SaasEndpoint,
    v: &NewVerification<'_>,
    keep: i64,
) -> Result<VerificationRow> {
    let still_there = diesel::update(endpoints::table.find(&endpoint.id))
        .set(endpoints::version.eq(endpoints::version))
        .execute(conn)?;
    if still_there == 0 {
        return Err(Error::NotFound);
    }
    let row = (
        verifications::id.eq(new_id()),
        verifications::endpoint_id.eq(&endpoint.id),
        verifications::passed.eq(v.passed),
        verifications::status.eq(v.status.map(i32::from)),
        verifications::latency_ms.eq(v.latency_ms),
        verifications::error.eq(v.error),
        verifications::at.eq(to_db_time(v.at)),
    );
    diesel::insert_into(verifications::table).values(row).execute(conn)?;
    if v.passed {
        diesel::update(endpoints::table.find(&endpoint.id))
            .set((endpoints::last_passed_at.eq(Some(to_db_time(v.at))), endpoints::version.eq(endpoints::version + 1)))
            .execute(conn)?;
    }
    let old: Vec<String> = verifications::table
        .filter(verifications::endpoint_id.eq(&endpoint.id))
        .order(verifications::id.desc())
        .offset(keep)
        .select(verifications::id)
        .load(conn)?;
    if !old.is_empty() {
        diesel::delete(verifications::table.filter(verifications::id.eq_any(&old))).execute(conn)?;
    }
    let newest = verifications::table
        .filter(verifications::endpoint_id.eq(&endpoint.id))
        .order(verifications::id.desc())
        .select(VerificationRow::as_select())
        .first(conn)?;
    Ok(newest)
}

/// The endpoint's verifications, newest first.
pub fn verifications_of(conn: &mut DbConnection, endpoint_id: &str, limit: i64) -> Result<Vec<VerificationRow>> {
    Ok(verifications::table
        .filter(verifications::endpoint_id.eq(endpoint_id))
        .order(verifications::id.desc())
        .limit(limit)
        .select(VerificationRow::as_select())
        .load(conn)?)
}
