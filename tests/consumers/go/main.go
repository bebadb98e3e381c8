// One consumer of grant's credentials: the AWS SDK for Go v2 with its default
// credential chain calls STS GetCallerIdentity as many times as its argument says,
// through one client, so that a second call shows the SDK's own refresh.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	calls := 1
	if len(os.Args) > 1 {
		calls, _ = strconv.Atoi(os.Args[1])
	}
	ctx := context.Background()
	// The cache renews credentials that have less than five minutes left, like the
	// JavaScript SDK; Go's default window is zero.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithCredentialsCacheOptions(func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = 5 * time.Minute
	}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "config:", err)
		os.Exit(1)
	}
	client := sts.NewFromConfig(cfg)
	for i := 0; i < calls; i++ {
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			fmt.Fprintln(os.Stderr, "GetCallerIdentity:", err)
			os.Exit(1)
		}
		fmt.Println(aws.ToString(out.Arn))
	}
}
