//! Operator authentication: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.

use subtle::ConstantTimeEq;

use super::error::ApiError;

/// Accepts the request only if it carries exactly the configured admin token.
/// With no token configured every request is refused: an unset secret must not open the API.
pub fn require_admin(
    authorization: Option<&str>,
    admin_token: Option<&str>,
) -> Result<(), ApiError> {
    let expected = admin_token.ok_or(ApiError::Unauthorized)?;
    let given = authorization
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(ApiError::Unauthorized)?;
    // ct_eq on slices of different lengths returns false without short-circuiting on content.
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_is_accepted() {
        assert!(require_admin(Some("Bearer s3cret"), Some("s3cret")).is_ok());
        assert!(require_admin(Some("Bearer s3cre"), Some("s3cret")).is_err());
        assert!(require_admin(Some("Bearer s3cret2"), Some("s3cret")).is_err());
        assert!(require_admin(Some("s3cret"), Some("s3cret")).is_err());
        assert!(require_admin(None, Some("s3cret")).is_err());
    }

    #[test]
    fn no_configured_token_means_no_access() {
        assert!(require_admin(Some("Bearer "), None).is_err());
        assert!(require_admin(Some("Bearer anything"), None).is_err());
    }
}
