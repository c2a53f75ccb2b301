//! What every decision tells: the seller's message, emails and SMS through the outbox, and events.

use shelf_domain::application::Application;
use shelf_domain::contact::Receivers;
use shelf_domain::notification::{Channel, EventType, decision_message};
use shelf_persistence::DbConnection;
use shelf_persistence::notifications::{self, Subject};

/// Tells the seller about a decision, in the decision's transaction: an internal message, and an
/// email and an SMS to each of its receivers through the outbox.
pub(crate) fn decision(
    c: &mut DbConnection,
    application: &Application,
    receivers: &Receivers,
) -> shelf_persistence::Result<()> {
    let name = application.snapshot.content.name.as_deref().unwrap_or("");
    let (subject, body) = decision_message(name, application.status, application.reason.as_deref());
    tell(c, &application.seller_id, Some(&application.id), &subject, &body, receivers)
}

/// Tells a seller: an internal message, and an email and an SMS (the subject) to each receiver
/// through the outbox.
pub(crate) fn tell(
    c: &mut DbConnection,
    seller_id: &str,
    application_id: Option<&str>,
    subject: &str,
    body: &str,
    receivers: &Receivers,
) -> shelf_persistence::Result<()> {
    notifications::add_message(c, seller_id, application_id, subject, body)?;
    for email in &receivers.emails {
        notifications::enqueue(c, Channel::Email, email, subject, body)?;
    }
    for phone in &receivers.phones {
        notifications::enqueue(c, Channel::Sms, phone, subject, subject)?;
    }
    Ok(())
}

/// What an application event is about.
pub(crate) fn application_subject(application: &Application) -> Subject<'_> {
    Subject {
        application_id: Some(&application.id),
        product_id: application.product_id.as_deref(),
        draft_id: Some(&application.draft_id),
        asset_id: None,
    }
}

/// Records an application event for the feed.
pub(crate) fn application_event(
    c: &mut DbConnection,
    application: &Application,
    event: EventType,
) -> shelf_persistence::Result<()> {
    notifications::append_event(c, &application.seller_id, event, application_subject(application))
}
