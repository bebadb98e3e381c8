//! The clock against AWS: signed requests fail when it is more than 5 minutes off,
//! and token expiry is misjudged. One request to IAM Identity Center's OIDC
//! endpoint of a region the config uses (`AWS_ENDPOINT_URL_SSO_OIDC` moves it); it
//! names no client, so AWS refuses it, and only the answer's `Date` header counts.

use super::{Finding, Severity};

/// More than this apart and SigV4 signatures are refused.
const MAX_SKEW_SECONDS: i64 = 5 * 60;

pub fn check(region: &str) -> Finding {
    let server_time = match crate::aws::runtime() {
        Ok(runtime) => runtime.block_on(server_date(region)),
        Err(error) => Err(error.to_string()),
    };
    let server_time = match server_time {
        Ok(time) => time,
        Err(reason) => {
            return Finding::new(
                "clock",
                Severity::Warning,
                format!("cannot compare the clock with IAM Identity Center ({region}): {reason}"),
            )
            .fix("check the network, then run grant doctor again");
        }
    };
    let skew = time::OffsetDateTime::now_utc().unix_timestamp() - server_time;
    let direction = if skew > 0 { "ahead of" } else { "behind" };
    if skew.abs() > MAX_SKEW_SECONDS {
        return Finding::new(
            "clock",
            Severity::Error,
            format!(
                "this machine's clock is {}m{:02}s {direction} IAM Identity Center's ({region}): AWS refuses requests signed more than 5 minutes off",
                skew.abs() / 60,
                skew.abs() % 60
            ),
        )
        .fix("set the clock right (timedatectl set-ntp true, or your OS's time settings)");
    }
    Finding::new(
        "clock",
        Severity::Info,
        format!(
            "the clock agrees with IAM Identity Center's ({region}) within {}s",
            skew.abs()
        ),
    )
}

/// The epoch seconds of the `Date` header IAM Identity Center answers with.
async fn server_date(region: &str) -> Result<i64, String> {
    let config = crate::aws::sdk_config(region).await;
    let answer = crate::aws::sso_oidc(&config)
        .create_token()
        .client_id("grant-doctor-clock-check")
        .client_secret("none")
        .grant_type("refresh_token")
        .refresh_token("none")
        .send()
        .await;
    let date = match &answer {
        Ok(_) => return Err("it accepted a request that names no client".to_owned()),
        Err(error) => error
            .raw_response()
            .and_then(|response| response.headers().get("date"))
            .map(str::to_owned),
    };
    let Some(date) = date else {
        return Err(answer.err().map_or_else(String::new, |error| {
            crate::aws::describe_error(&error).line(1)
        }));
    };
    parse_http_date(&date).ok_or_else(|| format!("its Date header {date:?} is not a date"))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate, what AWS sends) as epoch seconds.
fn parse_http_date(text: &str) -> Option<i64> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let time = time::PrimitiveDateTime::parse(text.trim(), format).ok()?;
    Some(time.assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::parse_http_date;

    #[test]
    fn http_dates_read_as_epoch_seconds() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784111777)
        );
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37"), None);
        assert_eq!(parse_http_date("yesterday"), None);
    }
}
