//! Statements that diesel would parse and plan anew on every call, kept prepared instead.
//!
//! diesel caches a prepared statement per connection only when it can prove the SQL is fixed:
//! never for `UPDATE`, multi-row `INSERT` or `sql_query`. Ours are fixed in shape (the same SQL text
//! for the same shape of call), so the connection's cache, keyed by that text, may keep them: the
//! database parses and plans each once per connection instead of on every release.
//!
//! Only for a whole statement (its bind parameters are numbered from the first), run on the
//! backend's own connection (`on_backend!`). Telling diesel's passes apart uses `AstPassHelper`,
//! the API diesel's own `MultiConnection` derive is built on (doc-hidden; diesel is pinned by
//! Cargo.lock, and the release tests on PostgreSQL run through it).

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::internal::derives::multiconnection::AstPassHelper;
use diesel::query_builder::QueryBuilder;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::RunQueryDsl;

/// A statement to keep prepared (see the module).
#[derive(Debug, Clone, Copy)]
pub struct Prepared<Q>(Q);

impl<Q, DB> QueryFragment<DB> for Prepared<Q>
where
    DB: Backend,
    DB::QueryBuilder: Default,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if pass.bind_collector().is_some() || pass.debug_binds().is_some() {
            return self.0.walk_ast(pass);
        }
        // Writing SQL (or asking whether it may be cached): the statement's text, without its
        // say on caching. The cache key is that text (no static query id below).
        let mut sql = DB::QueryBuilder::default();
        self.0.to_sql(&mut sql, pass.backend())?;
        pass.push_sql(&sql.finish());
        Ok(())
    }
}

impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Prepared<Q> {}

/// `.prepared()` on any statement whose SQL text depends only on the shape of the call.
pub trait KeepPrepared: Sized {
    fn prepared(self) -> Prepared<Self> {
        Prepared(self)
    }
}

impl<Q> KeepPrepared for Q {}
