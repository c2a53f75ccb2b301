//! The request being served, as a task-local: what error rendering and logging need to know.

/// What error rendering needs to know about the request being served.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub id: String,
    pub path: String,
}

tokio::task_local! {
    pub(crate) static CONTEXT: RequestContext;
}

/// The context of the request this task is serving, if any.
pub fn current() -> Option<RequestContext> {
    CONTEXT.try_with(Clone::clone).ok()
}

/// Runs `f` as if serving the request of `context` (for rendering outside the middleware).
pub fn scope_sync<R>(context: RequestContext, f: impl FnOnce() -> R) -> R {
    CONTEXT.sync_scope(context, f)
}
