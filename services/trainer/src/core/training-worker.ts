import { parentPort } from 'node:worker_threads';
import { workerMain } from './training-job';

// Entry of the training worker thread (see TrainingWorker).
if (parentPort) workerMain(parentPort);
