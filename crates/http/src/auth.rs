//! Bearer-JWT authentication with a pinned algorithm, and the role extractors handlers ask for.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header::{AUTHORIZATION, HeaderMap};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use shelf_domain::Role;

use crate::AppState;
use crate::problem::ApiError;

/// The claims Shelf reads from (and writes into) a token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// One audience or several (RFC 7519 §4.1.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
}

/// The `aud` claim: a string or an array of strings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

pub use shelf_domain::account::Account;

/// How tokens are verified: HS256 with a shared secret, or RS256 with a public key.
pub enum KeySource<'a> {
    Hs256Secret(&'a [u8]),
    Rs256PublicPem(&'a [u8]),
}

pub struct Authenticator {
    key: DecodingKey,
    validation: Validation,
}

impl Authenticator {
    pub fn new(source: KeySource<'_>, issuer: Option<&str>, audience: Option<&str>) -> Result<Self, String> {
        let (key, algorithm) = match source {
            KeySource::Hs256Secret(secret) => {
                if secret.len() < 16 {
                    return Err("the JWT secret must be at least 16 bytes".into());
                }
                (DecodingKey::from_secret(secret), Algorithm::HS256)
            }
            KeySource::Rs256PublicPem(pem) => {
                (DecodingKey::from_rsa_pem(pem).map_err(|e| format!("bad RS256 public key: {e}"))?, Algorithm::RS256)
            }
        };
        // One algorithm, pinned: `none` and every other algorithm are refused.
        let mut validation = Validation::new(algorithm);
        let mut required = vec!["exp", "sub"];
        required.extend(issuer.map(|_| "iss"));
        required.extend(audience.map(|_| "aud"));
        validation.set_required_spec_claims(&required);
        validation.leeway = 30;
        validation.validate_nbf = true;
        match audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        if let Some(iss) = issuer {
            validation.set_issuer(&[iss]);
        }
        Ok(Authenticator { key, validation })
    }

    /// The account of a verified `Authorization: Bearer` token.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Account, ApiError> {
        let value = headers.get(AUTHORIZATION).ok_or_else(|| {
            ApiError::Unauthorized("this operation needs an `Authorization: Bearer <JWT>` header".into())
        })?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::Unauthorized("the Authorization header must be `Bearer <JWT>`".into()))?;
        // RFC 7515 §4.1.11: a token naming a critical header parameter must be refused by a verifier that
        // does not understand it, and this one understands none.
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| ApiError::Unauthorized(format!("the token was refused: {}", describe(&e))))?;
        if header.crit.is_some() {
            return Err(ApiError::Unauthorized(
                "the token was refused: it names critical header parameters (`crit`) this server does not understand"
                    .into(),
            ));
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|e| ApiError::Unauthorized(format!("the token was refused: {}", describe(&e))))?
            .claims;
        if claims.sub.is_empty() || claims.sub.len() > 255 || claims.sub.chars().any(char::is_control) {
            return Err(ApiError::Unauthorized(
                "the token's `sub` must be 1..255 characters, none of them control characters".into(),
            ));
        }
        // Contact claims are kept only when they are addresses Shelf could deliver to: anything else
        // (a NUL, a CRLF, a list) would otherwise reach the outbox and the SMS webhook.
        let email = claims.email.filter(|e| shelf_domain::contact::is_email(e));
        let phone = claims.phone.filter(|p| shelf_domain::contact::is_phone(p));
        Ok(Account { id: claims.sub, role: claims.role, email, phone })
    }
}

/// Says why a token failed without echoing any part of it.
fn describe(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind as K;
    match e.kind() {
        K::ExpiredSignature => "it has expired".into(),
        K::ImmatureSignature => "it is not valid yet (`nbf`)".into(),
        K::InvalidSignature => "its signature does not verify".into(),
        K::InvalidAlgorithm | K::InvalidAlgorithmName => "its algorithm is not the one this server accepts".into(),
        K::InvalidIssuer => "its issuer is not accepted".into(),
        K::InvalidAudience => "its audience is not accepted".into(),
        K::MissingRequiredClaim(c) => format!("the `{c}` claim is missing"),
        K::Json(_) => {
            "its claims are malformed (`sub`, `role` and `exp` are required; role is seller, reviewer or admin)".into()
        }
        K::InvalidToken | K::Base64(_) | K::Utf8(_) => "it is not a well-formed JWT".into(),
        _ => "it is not valid".into(),
    }
}

/// Issues an HS256 token (for `shelf token` and the demo tokens printed at start).
pub fn issue_hs256(secret: &[u8], claims: &Claims) -> Result<String, String> {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret))
        .map_err(|e| e.to_string())
}

/// The verified account of this request: verified once, then kept in the request's extensions so that
/// middleware and extractors do not verify the same token again.
pub fn account_of(req: &HttpRequest) -> Result<Account, ApiError> {
    if let Some(account) = req.extensions().get::<Account>() {
        return Ok(account.clone());
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state is not configured"))?;
    let account = state.auth.authenticate(req.headers())?;
    req.extensions_mut().insert(account.clone());
    Ok(account)
}

fn authenticate(req: &HttpRequest) -> Result<Account, ApiError> {
    account_of(req)
}

/// Any authenticated caller; the handler decides by role.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Account);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).map(Authenticated))
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $role:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Account);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Ready<Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                ready(authenticate(req).and_then(|account| {
                    if account.role == $role {
                        Ok($name(account))
                    } else {
                        Err(ApiError::Forbidden(format!("this operation is for {}; your role is {}", $what, account.role.as_str())))
                    }
                }))
            }
        }
    };
}

role_extractor!(
    /// A caller with the seller role.
    Seller, Role::Seller, "sellers"
);
role_extractor!(
    /// A caller with the reviewer role.
    Reviewer, Role::Reviewer, "reviewers"
);
role_extractor!(
    /// A caller with the admin role.
    Admin, Role::Admin, "admins"
);
