import { DefaultLogger, Runtime } from '@temporalio/worker';

// Keep SDK and activity info logs out of test output; errors still show (expected rejections log activity failures as warnings).
Runtime.install({ logger: new DefaultLogger('ERROR') });
