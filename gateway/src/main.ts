// First of all: tracing (when OTEL_* asks for it) must patch node:http before anything loads it.
import './tracing';
import { ConfigError, createLogger, exitWith, onShutdown } from '@dbwe/platform';
import { readGatewayConfig } from './config';
import { createGateway } from './gateway';

async function main() {
  let config;
  let gateway;
  try {
    config = readGatewayConfig();
    const logger = createLogger('gateway', config.LOG_LEVEL);
    gateway = createGateway(config, logger);
    await gateway.start();
    const address = await gateway.http.listen(config.PORT, config.HOST);
    const metrics = await gateway.listenMetrics(config.METRICS_PORT, config.METRICS_HOST);
    logger.info({ port: address.port, metricsPort: metrics.port }, `gateway ready at http://${config.HOST}:${address.port}/ (metrics at http://${config.METRICS_HOST}:${metrics.port}/metrics)`);
    onShutdown(logger, () => gateway!.stop());
  } catch (error) {
    if (error instanceof ConfigError) exitWith('gateway', `configuration error: ${error.message}`);
    exitWith('gateway', error instanceof Error ? error.message : String(error));
  }
}

void main();
