//! The API test suite: every endpoint through real HTTP, on a fresh database per test
//! (a temporary SQLite file, or a PostgreSQL database when SHELF_TEST_DATABASE_URL is set).

mod helpers;

mod admin;
mod applications;
mod assets;
mod attributes;
mod auth;
mod catalog;
mod cli;
mod cors;
mod delivery_methods;
mod drafts;
mod errors;
mod files;
mod health;
mod idempotency;
mod instances;
mod isolation;
mod metrics;
mod notifications;
mod openapi;
mod prepared;
mod pricing_templates;
mod products;
mod saas;
mod sales;
mod schema;
mod service_flows;
mod uploads;
mod webhooks;
