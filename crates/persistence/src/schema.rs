//! The tables, as diesel sees them; the same on SQLite and PostgreSQL (see migrations/).

diesel::table! {
    drafts (id) {
        id -> Text,
        seller_id -> Text,
        kind -> Text,
        state -> Text,
        product_id -> Nullable<Text>,
        name_search -> Nullable<Text>,
        content -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (account_id, idempotency_key) {
        account_id -> Text,
        idempotency_key -> Text,
        fingerprint -> Text,
        status -> Nullable<Integer>,
        headers -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    attributes (id) {
        id -> Text,
        seller_id -> Text,
        code -> Text,
        definition -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    pricing_templates (id) {
        id -> Text,
        seller_id -> Text,
        name -> Text,
        currency -> Text,
        price -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    blobs (sha256) {
        sha256 -> Text,
        size -> BigInt,
        data -> Binary,
        created_at -> Timestamp,
        stored_in -> Text,
        released_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    draft_files (id) {
        id -> Text,
        seller_id -> Text,
        draft_id -> Text,
        kind -> Text,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    settings (name) {
        name -> Text,
        value -> Text,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        seller_id -> Text,
        draft_id -> Text,
        product_id -> Nullable<Text>,
        kind -> Text,
        status -> Text,
        delivery_method -> Nullable<Text>,
        submitted_at -> Timestamp,
        due_at -> Timestamp,
        extended_review -> Bool,
        decided_at -> Nullable<Timestamp>,
        reason -> Nullable<Text>,
        snapshot -> Text,
        history -> Text,
        name -> Text,
    }
}

diesel::table! {
    products (id) {
        id -> Text,
        seller_id -> Text,
        status -> Text,
        delivery_method -> Nullable<Text>,
        search_text -> Text,
        content -> Text,
        removed -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        seq -> BigInt,
        offer -> Text,
        catalog_card -> Text,
        sold_in -> Text,
    }
}

diesel::table! {
    catalog_entries (product_id) {
        product_id -> Text,
        status -> Text,
        version -> BigInt,
        entry -> Text,
        gzip -> Binary,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        seller_id -> Text,
        application_id -> Nullable<Text>,
        subject -> Text,
        body -> Text,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        channel -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claim -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_settings (seller_id) {
        seller_id -> Text,
        emails -> Text,
        phones -> Text,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    account_contacts (account_id) {
        account_id -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    events (seq) {
        cursor -> Nullable<BigInt>,
        seller_id -> Text,
        event_type -> Text,
        at -> Timestamp,
        application_id -> Nullable<Text>,
        product_id -> Nullable<Text>,
        draft_id -> Nullable<Text>,
        seq -> BigInt,
        asset_id -> Nullable<Text>,
        id -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        seller_id -> Text,
        url -> Text,
        description -> Nullable<Text>,
        event_types -> Text,
        enabled -> Bool,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        failing_since -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        message_id -> Text,
        event_type -> Text,
        status -> Text,
        attempts -> Integer,
        first_due_at -> Timestamp,
        next_attempt_at -> Timestamp,
        claim -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_response -> Nullable<Text>,
        created_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));

diesel::table! {
    seller_capabilities (seller_id) {
        seller_id -> Text,
        hardware -> Bool,
        joint_operations -> Bool,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    saas_endpoints (id) {
        id -> Text,
        seller_id -> Text,
        url -> Text,
        secret -> Text,
        last_passed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    saas_verifications (id) {
        id -> Text,
        endpoint_id -> Text,
        passed -> Bool,
        status -> Nullable<Integer>,
        latency_ms -> Nullable<BigInt>,
        error -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    asset_references (asset_id, holder, holder_id) {
        asset_id -> Text,
        holder -> Text,
        holder_id -> Text,
    }
}

diesel::table! {
    assets (id) {
        id -> Text,
        seller_id -> Text,
        kind -> Text,
        name -> Text,
        version -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        sha256 -> Nullable<Text>,
        detail -> Text,
        scan -> Text,
        scan_claimed_until -> Nullable<Timestamp>,
        row_version -> BigInt,
        created_at -> Timestamp,
        due_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    uploads (id) {
        id -> Text,
        seller_id -> Text,
        filename -> Text,
        media_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        part_size -> BigInt,
        parts -> BigInt,
        status -> Text,
        stored_in -> Text,
        backend_ref -> Nullable<Text>,
        failure -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    upload_parts (upload_id, number) {
        upload_id -> Text,
        number -> BigInt,
        size -> BigInt,
        sha256 -> Text,
        backend_tag -> Nullable<Text>,
        data -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(uploads, upload_parts, blobs, draft_files);
diesel::allow_tables_to_appear_in_same_query!(assets, asset_references);
diesel::allow_tables_to_appear_in_same_query!(webhook_deliveries, webhook_endpoints, events);

// Subqueries: a submission's context and a decision's receivers (`applications`).
diesel::allow_tables_to_appear_in_same_query!(applications, drafts, settings, notification_settings, account_contacts);
