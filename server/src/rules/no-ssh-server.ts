import { runInvocations } from '../engine/commands';
import type { Stage } from '../engine/model';
import { packageCommand } from '../engine/packages';
import { defineRule } from './types';

/** SSH server packages (Alpine's `openssh` includes the server). */
const SERVERS: Record<string, readonly string[]> = {
	'apt-get': ['openssh-server', 'ssh', 'dropbear', 'dropbear-bin'],
	apt: ['openssh-server', 'ssh', 'dropbear', 'dropbear-bin'],
	apk: ['openssh', 'openssh-server', 'dropbear'],
	yum: ['openssh-server', 'dropbear'],
	dnf: ['openssh-server', 'dropbear'],
	microdnf: ['openssh-server'],
	zypper: ['openssh-server', 'openssh'],
};

/** Whether `EXPOSE`'s port spec (`22`, `22/tcp`, `20-25`) covers port 22. */
function coversSsh(spec: string): boolean {
	const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec.trim());
	if (!m || (m[3] && m[3].toLowerCase() !== 'tcp')) {
		return false;
	}
	const from = Number(m[1]);
	const to = m[2] === undefined ? from : Number(m[2]);
	return from <= 22 && 22 <= to;
}

export default defineRule({
	meta: {
		id: 'DH105',
		name: 'no-ssh-server',
		layer: 'baseline',
		defaultSeverity: 'warning',
		messages: {
			exposesSsh:
				'The image exposes port 22: an SSH server in a container is another service to patch and attack, and a way around the orchestrator. Use `docker exec` or `kubectl exec` instead, and drop the port.',
			installsSsh:
				'The image installs the SSH server {{package}}: another long-lived service to patch and attack. Use `docker exec` or `kubectl exec` to get a shell instead.',
		},
		docs: { summary: '`EXPOSE 22`, or an SSH server (openssh-server, dropbear) installed in the image you ship.' },
		equivalents: { trivy: ['DS-0004'], checkov: ['CKV_DOCKER_1'] },
	},
	create(context) {
		const { model } = context;
		/** Only the image you ship: the final stage and the stages it builds on. */
		const shipped = (stage: Stage): boolean => {
			const final = model.finalStage;
			return final !== undefined && model.lineage(final).includes(stage);
		};
		return {
			EXPOSE(instruction, stage) {
				if (!shipped(stage)) {
					return;
				}
				const vars = model.variablesAt(stage, instruction);
				for (const arg of instruction.getArguments()) {
					const expansion = model.expand(arg.getValue(), vars);
					if (!expansion.unresolved && coversSsh(expansion.value)) {
						context.report({ range: arg.getRange(), messageId: 'exposesSsh' });
					}
				}
			},
			RUN(instruction, stage) {
				if (!shipped(stage)) {
					return;
				}
				for (const inv of runInvocations(model, instruction)) {
					const pkg = packageCommand(inv);
					if (pkg?.kind !== 'install') {
						continue;
					}
					const servers = SERVERS[pkg.manager] ?? [];
					pkg.packageWords.forEach((word, i) => {
						if (servers.includes(pkg.names[i])) {
							context.report({ range: word.range, messageId: 'installsSsh', data: { package: pkg.names[i] } });
						}
					});
				}
			},
		};
	},
});
