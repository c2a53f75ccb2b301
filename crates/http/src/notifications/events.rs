use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shelf_domain::ViolationCode;
use shelf_domain::notification::EventType;
use shelf_persistence::notifications::{self, EventRow};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Something that happened to the seller's applications, products or assets.
#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    /// The event's stable id: the `webhook-id` of its webhook deliveries.
    #[schema(example = "evt_0193a1b2c3d47e5fa6b7c8d9e0f1a2b3")]
    pub id: String,
    /// Increases in commit order: poll with `after` = the last cursor you saw.
    pub cursor: i64,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub at: DateTime<Utc>,
    pub application_id: Option<String>,
    pub product_id: Option<String>,
    pub draft_id: Option<String>,
    pub asset_id: Option<String>,
}

impl TryFrom<EventRow> for Event {
    type Error = shelf_persistence::Error;

    /// A row whose type this build does not know is corrupt: an error, never skipped silently.
    fn try_from(r: EventRow) -> Result<Self, Self::Error> {
        let event_type = r
            .event_type
            .parse::<EventType>()
            .map_err(|e| shelf_persistence::Error::Corrupt(format!("event {}: {e}", r.cursor)))?;
        Ok(Event {
            id: r
                .id
                .clone()
                .ok_or_else(|| shelf_persistence::Error::Corrupt(format!("event {} has no id", r.cursor)))?,
            at: r.at(),
            cursor: r.cursor,
            event_type,
            application_id: r.application_id,
            product_id: r.product_id,
            draft_id: r.draft_id,
            asset_id: r.asset_id,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<Event>,
    /// The cursor to poll after next (the last item's, or the one you sent when there is nothing new).
    pub next_cursor: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventParams {
    /// Events after this cursor (default 0: from the start).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// 1..100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The seller's event feed, oldest first after a cursor: poll it instead of scraping.
#[utoipa::path(
    operation_id = "listEvents",
    tag = "events",
    params(EventParams),
    responses(
        (status = 200, description = "Events after the cursor", body = EventList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/events")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    Query(params): Query<EventParams>,
) -> Result<HttpResponse, ApiError> {
    let after = params.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::bad_parameter("after", ViolationCode::OutOfRange, "after is a cursor, 0 or more"));
    }
    let limit = pagination::limit(params.limit)?;
    let db = state.db.clone();
    let rows = blocking(move || {
        // Number what has committed so far first (PostgreSQL), so a reader sees its own changes.
        notifications::sequence_committed_events(&db)?;
        Ok(db.read(|c| notifications::events_after(c, &seller.id, after, i64::from(limit)))?)
    })
    .await?;
    let next_cursor = rows.last().map_or(after, |r| r.cursor);
    let items = rows.into_iter().map(Event::try_from).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(EventList { items, next_cursor }))
}
