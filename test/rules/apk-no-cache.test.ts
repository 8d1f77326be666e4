import rule from '../../server/src/rules/apk-no-cache';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{
			name: '--no-network fetches no index',
			code: 'FROM alpine:3.20\nRUN apk add --no-network --virtual .rundeps so:libssl.so.3',
		},
		'FROM alpine:3.20\nRUN apk add --no-cache curl',
		{ name: 'cache cleaned in the same RUN', code: 'FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*' },
		{ name: 'cache mount', code: 'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl' },
		{ name: 'apk del', code: 'FROM alpine:3.20\nRUN apk del curl' },
		{ name: 'apk update alone', code: 'FROM alpine:3.20\nRUN apk update' },
	],
	invalid: [
		{
			name: 'apk add with a virtual package',
			code: 'FROM alpine:3.20\nRUN apk add --virtual .build-deps gcc',
			errors: [{ messageId: 'apkCache', line: 2, column: 5, endLine: 2, endColumn: 38 }],
			output: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc',
		},
		{
			name: 'apk update then add',
			code: 'FROM alpine:3.20\nRUN apk update && apk add curl',
			errors: [{ messageId: 'apkCache', line: 2, column: 19, endLine: 2, endColumn: 31 }],
			output: 'FROM alpine:3.20\nRUN apk update && apk add --no-cache curl',
		},
	],
});
