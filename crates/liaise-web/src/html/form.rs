//! Form bodies of pages, whose rejections are pages too: 413 for a form over the limit, 400
//! for one that cannot be read, in the reader's language.

use axum::{
    Form,
    extract::{FromRequest, Request},
    http::StatusCode,
    response::Response,
};
use serde::de::DeserializeOwned;

use crate::i18n::Lang;

pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = Lang::negotiate(
            crate::i18n::header_cookie(req.headers(), crate::i18n::COOKIE),
            req.headers()
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        match Form::<T>::from_request(req, state).await {
            Ok(Form(v)) => Ok(Self(v)),
            Err(e) => {
                let status = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else {
                    StatusCode::BAD_REQUEST
                };
                Err(super::error_page(status, &lang.t("error-form"), lang))
            }
        }
    }
}

/// Path parameters of pages: one that cannot be read is a page that does not exist.
pub struct PagePath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequestParts<S>
    for PagePath<T>
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(p) => Ok(Self(p.0)),
            Err(_) => {
                let lang = Lang::negotiate(crate::i18n::cookie(parts, crate::i18n::COOKIE), None);
                Err(super::error_page(StatusCode::NOT_FOUND, "", lang))
            }
        }
    }
}
