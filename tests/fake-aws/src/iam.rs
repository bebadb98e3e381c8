//! IAM's access-key operations (query protocol: form-encoded `POST /`, XML answers),
//! SigV4-authenticated with scope `iam`: CreateAccessKey, DeleteAccessKey,
//! ListAccessKeys, each for the calling IAM user (a `UserName` must name that user).
//! As in IAM, a user has at most two access keys.

use crate::http::{Reply, Request, Response, find};
use crate::ids;
use crate::state::{Identity, State};
use crate::sts::{self, escape, iso8601};

const NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
const KEYS_PER_USER: usize = 2;

/// The actions this module answers; every other `Action` is STS's.
pub(crate) const ACTIONS: &[&str] = &["CreateAccessKey", "DeleteAccessKey", "ListAccessKeys"];

pub(crate) fn error(status: u16, code: &str, message: &str) -> Response {
    let kind = if status >= 500 { "Receiver" } else { "Sender" };
    Response::xml(
        status,
        format!(
            "<ErrorResponse xmlns=\"{NAMESPACE}\">\n  <Error>\n    <Type>{kind}</Type>\n    \
             <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  \
             <RequestId>{}</RequestId>\n</ErrorResponse>\n",
            escape(code),
            escape(message),
            ids::request_id()
        ),
    )
}

fn success(action: &str, result: Option<&str>) -> Response {
    let result = result
        .map(|body| format!("  <{action}Result>\n{body}  </{action}Result>\n"))
        .unwrap_or_default();
    Response::xml(
        200,
        format!(
            "<{action}Response xmlns=\"{NAMESPACE}\">\n{result}  <ResponseMetadata>\n    \
             <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n",
            ids::request_id()
        ),
    )
}

pub(crate) fn handle(state: &mut State, req: &Request) -> Reply {
    let params = sts::params(req);
    let (caller_key, caller) = sts::authenticate(state, req, "iam", error)?;
    state.iam_caller_keys.push(caller_key);
    let user = user_name(&caller)?;
    if let Some(named) = find(&params, "UserName")
        && named != user
    {
        return Err(error(
            403,
            "AccessDenied",
            &format!(
                "User: {} is not authorized to manage the access keys of user {named}",
                caller.arn
            ),
        ));
    }
    match find(&params, "Action").unwrap_or_default() {
        "CreateAccessKey" => create_access_key(state, &caller, &user),
        "DeleteAccessKey" => delete_access_key(state, &params, &caller, &user),
        _ => Ok(list_access_keys(state, &caller, &user)),
    }
}

/// The IAM user behind a caller; other identities (roles, sessions) have no keys.
fn user_name(caller: &Identity) -> Result<String, Response> {
    caller
        .arn
        .split_once(":user/")
        .map(|(_, path_and_name)| path_and_name.rsplit('/').next().unwrap_or_default())
        .map(str::to_string)
        .ok_or_else(|| {
            error(
                400,
                "ValidationError",
                "Must specify userName when calling with non-User credentials",
            )
        })
}

fn create_access_key(state: &mut State, caller: &Identity, user: &str) -> Reply {
    let existing = state.user_keys.get(&caller.arn).map_or(0, Vec::len);
    if existing >= KEYS_PER_USER {
        return Err(error(
            409,
            "LimitExceeded",
            &format!("Cannot exceed quota for AccessKeysPerUser: {KEYS_PER_USER}"),
        ));
    }
    let (access_key_id, secret) = state.create_user_key(caller.clone());
    let created = state
        .user_keys
        .get(&caller.arn)
        .and_then(|keys| keys.last())
        .map(|key| iso8601(key.created_at))
        .unwrap_or_default();
    Ok(success(
        "CreateAccessKey",
        Some(&format!(
            "    <AccessKey>\n      <UserName>{}</UserName>\n      \
             <AccessKeyId>{access_key_id}</AccessKeyId>\n      <Status>Active</Status>\n      \
             <SecretAccessKey>{secret}</SecretAccessKey>\n      \
             <CreateDate>{created}</CreateDate>\n    </AccessKey>\n",
            escape(user)
        )),
    ))
}

fn delete_access_key(
    state: &mut State,
    params: &[(String, String)],
    caller: &Identity,
    user: &str,
) -> Reply {
    let access_key_id = find(params, "AccessKeyId").unwrap_or_default();
    if !state.delete_user_key(&caller.arn, access_key_id) {
        return Err(error(
            404,
            "NoSuchEntity",
            &format!(
                "The Access Key with id {} cannot be found for user {}.",
                escape(access_key_id),
                escape(user)
            ),
        ));
    }
    Ok(success("DeleteAccessKey", None))
}

fn list_access_keys(state: &State, caller: &Identity, user: &str) -> Response {
    let members: String = state
        .user_keys
        .get(&caller.arn)
        .into_iter()
        .flatten()
        .map(|key| {
            format!(
                "      <member>\n        <UserName>{}</UserName>\n        \
                 <AccessKeyId>{}</AccessKeyId>\n        <Status>Active</Status>\n        \
                 <CreateDate>{}</CreateDate>\n      </member>\n",
                escape(user),
                key.access_key_id,
                iso8601(key.created_at)
            )
        })
        .collect();
    success(
        "ListAccessKeys",
        Some(&format!(
            "    <UserName>{}</UserName>\n    <AccessKeyMetadata>\n{members}    \
             </AccessKeyMetadata>\n    <IsTruncated>false</IsTruncated>\n",
            escape(user)
        )),
    )
}
