// One consumer of grant's credentials: the AWS SDK for Java v2 calls STS
// GetCallerIdentity as many times as its first argument says, through one client.
// With the default chain the credentials come from the environment or the profile;
// given a command (the profile's credential_process line) as the second argument,
// they come from a ProcessCredentialsProvider that renews them when they have less
// than five minutes left (the default threshold is 15 seconds).
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProcessCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;

public class Consumer {
    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        AwsCredentialsProvider credentials = args.length > 1
            ? ProcessCredentialsProvider.builder()
                .command(args[1])
                .credentialRefreshThreshold(Duration.ofMinutes(5))
                .build()
            : DefaultCredentialsProvider.builder().build();
        try (StsClient client = StsClient.builder().credentialsProvider(credentials).build()) {
            for (int i = 0; i < calls; i++) {
                System.out.println(client.getCallerIdentity().arn());
            }
        }
    }
}
