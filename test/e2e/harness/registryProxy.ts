/**
 * A loopback HTTP proxy in front of a test registry that records every request and can hold them. Dockerfiles name
 * the proxy's `host:port`, so everything the extension sends to "the registry" passes here: the pin scenario holds
 * the requests until the progress notification is on screen (the local registry answers faster than the workbench
 * paints), and the untrusted scenario checks that nothing arrived at all.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A running proxy. */
export interface RegistryProxy {
	/** `127.0.0.1:PORT`, as written in a Dockerfile. */
	readonly host: string;
	/** `METHOD /path` of every request received, in order. */
	readonly requests: readonly string[];
	/** Lets held requests (and all later ones) through. */
	release(): void;
	close(): Promise<void>;
}

/** Starts a proxy to `upstream` (`http://127.0.0.1:PORT`). With `hold`, requests wait for {@link RegistryProxy.release}. */
export async function startRegistryProxy(upstream: string, options: { hold?: boolean } = {}): Promise<RegistryProxy> {
	const requests: string[] = [];
	const held: (() => void)[] = [];
	let holding = options.hold ?? false;
	const target = new URL(upstream);

	const forward = (incoming: IncomingMessage, response: ServerResponse): void => {
		const outgoing = request(
			{
				host: target.hostname,
				port: target.port,
				method: incoming.method,
				path: incoming.url,
				headers: { ...incoming.headers, host: target.host },
			},
			(answer) => {
				response.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(response);
			},
		);
		outgoing.on('error', () => response.writeHead(502).end());
		incoming.pipe(outgoing);
	};

	const server: Server = createServer((incoming, response) => {
		requests.push(`${incoming.method} ${incoming.url}`);
		if (holding) {
			// Keep the body flowing into the pipe later: pause until released.
			incoming.pause();
			held.push(() => {
				incoming.resume();
				forward(incoming, response);
			});
		} else {
			forward(incoming, response);
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	const release = (): void => {
		holding = false;
		for (const go of held.splice(0)) {
			go();
		}
	};
	return {
		host: `127.0.0.1:${port}`,
		requests,
		release,
		async close() {
			release();
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
