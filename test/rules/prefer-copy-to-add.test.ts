import rule from '../../server/src/rules/prefer-copy-to-add';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{ name: 'a quoted URL', code: 'FROM alpine:3.20\nARG V=1\nADD "https://github.com/o/r.git#${V}" /src' },
		{ name: 'a glob that may match compressed tarballs', code: 'FROM alpine:3.20\nADD release-*.xz *.gz /opt/' },
		'FROM alpine:3.20\nCOPY app.py /app/',
		{ name: 'a local archive is extracted', code: 'FROM alpine:3.20\nADD rootfs.tar.gz /' },
		{ name: 'a URL', code: 'FROM alpine:3.20\nADD https://example.com/tool /usr/local/bin/tool' },
		{ name: 'a git repository', code: 'FROM alpine:3.20\nADD git@github.com:org/repo.git /src' },
		{ name: 'ADD-only flags', code: 'FROM alpine:3.20\nADD --checksum=sha256:abc https://example.com/a /a' },
		{ name: 'a variable that may hold a URL', code: 'FROM alpine:3.20\nARG SRC\nADD ${SRC} /src' },
		{ name: 'a glob without an extension', code: 'FROM alpine:3.20\nADD vendor/* /vendor/' },
	],
	invalid: [
		{
			name: 'local files',
			code: 'FROM alpine:3.20\nADD --chown=app app.py config/ /app/',
			errors: [{ messageId: 'useCopy', line: 2, column: 1, endLine: 2, endColumn: 37 }],
			output: 'FROM alpine:3.20\nCOPY --chown=app app.py config/ /app/',
		},
		{
			name: 'lower-case instruction, JSON form, ARG resolved',
			code: 'FROM alpine:3.20\nARG F=app.py\nadd ["${F}", "/app/"]',
			errors: [{ messageId: 'useCopy', line: 3, column: 1, endLine: 3, endColumn: 22 }],
			output: 'FROM alpine:3.20\nARG F=app.py\ncopy ["${F}", "/app/"]',
		},
	],
});
