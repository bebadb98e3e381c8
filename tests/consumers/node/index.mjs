// One consumer of grant's credentials: the AWS SDK for JavaScript v3 calls STS
// GetCallerIdentity as many times as its first argument says, through one client.
// Its credentials come from the default chain (fromNodeProviderChain), or, with the
// second argument `process`, from fromProcess under the client's own cache, which
// renews credentials with less than five minutes left before the call. The default
// chain renews those in the background and signs the call that started the renewal
// with the old, still valid keys, so a test of renewal would depend on timing.
// With `container`, they come from fromContainerMetadata (the endpoint of
// AWS_CONTAINER_CREDENTIALS_FULL_URI, as `grant serve` sets it), under the same cache.
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import {
  fromContainerMetadata,
  fromNodeProviderChain,
  fromProcess,
} from "@aws-sdk/credential-providers";

const calls = Number(process.argv[2] ?? "1");
const providers = { process: fromProcess, container: fromContainerMetadata };
const credentials = (providers[process.argv[3]] ?? fromNodeProviderChain)();
const client = new STSClient({ credentials });
for (let i = 0; i < calls; i++) {
  const identity = await client.send(new GetCallerIdentityCommand({}));
  console.log(identity.Arn);
}
