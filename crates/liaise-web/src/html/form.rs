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
