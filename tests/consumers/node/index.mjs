// One consumer of grant's credentials: the AWS SDK for JavaScript v3 calls STS
// GetCallerIdentity as many times as its first argument says, through one client.
// Its credentials come from the default chain (fromNodeProviderChain), or, with the
// second argument `process`, from fromProcess under the client's own cache, which
// renews credentials with less than five minutes left before the call. The default
// chain renews those in the background and signs the call that started the renewal
// with the old, still valid keys, so a test of renewal would depend on timing.
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromNodeProviderChain, fromProcess } from "@aws-sdk/credential-providers";

const calls = Number(process.argv[2] ?? "1");
const credentials = process.argv[3] === "process" ? fromProcess() : fromNodeProviderChain();
const client = new STSClient({ credentials });
for (let i = 0; i < calls; i++) {
  const identity = await client.send(new GetCallerIdentityCommand({}));
  console.log(identity.Arn);
}
