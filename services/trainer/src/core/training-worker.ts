import { parentPort, workerData } from 'node:worker_threads';
import { type TrainingJob, workerMain } from './training-job';

// Entry of the training worker thread (see executeInWorker).
if (parentPort) workerMain(parentPort, workerData as TrainingJob);
