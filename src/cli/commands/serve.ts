// `onnx-edge serve`: runs the inference server until SIGTERM/SIGINT, then shuts down gracefully (stops
// accepting, answers every request in flight, exit 0). Its options are the server's settings table
// (SERVER_OPTIONS): flags override ONNX_EDGE_* environment variables.
import { ConfigError, formatOptions, parseOptions, UsageError, type Command } from '@onnx-edge/core/cli';
import { SERVER_OPTIONS } from '@onnx-edge/serve/options';

const help = `Usage: onnx-edge serve (--repo DIR | --model file.onnx) [options]

Serves ONNX classifiers over HTTP: POST /classify (PNG/JPEG/WebP, raw or multipart field 'image'),
the Open Inference Protocol (KServe v2) under /v2, Prometheus metrics at /metrics, model files at
/models, and the web demo at /. Concurrent requests are batched dynamically.

Options (environment variable in brackets; flags win):
${formatOptions(SERVER_OPTIONS)}

Logs are JSON lines on stdout. SIGTERM or Ctrl-C stops accepting connections, answers every request in
flight, and exits 0.`;

async function run(argv: string[]): Promise<number> {
  const { values: fromFlags } = parseOptions(SERVER_OPTIONS, argv);
  const { settingsFromEnv, startServer } = await import('@onnx-edge/serve');
  let fromEnv;
  try {
    fromEnv = settingsFromEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const settings = { ...fromEnv, ...fromFlags };
  // A repository given by flag replaces a model file given by environment and vice versa.
  if (fromFlags.repo !== undefined) delete settings.model;
  if (fromFlags.model !== undefined) delete settings.repo;
  if (!settings.repo && !settings.model) throw new UsageError('give a model repository (--repo DIR) or a model file (--model file.onnx)');
  if (settings.repo && settings.model) throw new UsageError('give either --repo or --model, not both');

  // A fresh install has no build of the web demo yet: make it once, before the first start serves /.
  const { demoWebRoot } = await import('../../serving/demo-web-root.ts');
  const webRoot = demoWebRoot(settings.webRoot, (line) => console.error(`onnx-edge serve: ${line}`));
  const server = await startServer({ ...settings, webRoot });
  console.error(`onnx-edge serve: listening on ${server.url} (models: ${server.models.map((m) => `${m.name} on ${m.executionProvider}`).join(', ')})`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      server.logger.info({ signal }, 'signal received');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await server.close();
  return 0;
}

export const serveCommand: Command = { help, options: SERVER_OPTIONS, run };
