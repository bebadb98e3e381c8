complete grant 'p/1/(credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry)/' 'n/--profile/`grant profiles`/'
complete assume 'p/*/`grant profiles`/'
