/** Start-up: open the local data and the last session (no network needed), render, then start
 * syncing and register the service worker. */

import { render } from 'preact';
import '../styles.css';
import { App } from './App';
import { installLinkHandler } from './router';
import { startScheduler } from './scheduler';
import { session } from './services';
import { checkStorage } from './storage';
import { registerServiceWorker } from './sw-register';

async function start(): Promise<void> {
  installLinkHandler();
  try {
    await session.load();
  } catch (err) {
    // Private mode or storage blocked: the app still renders, with the login.
    console.error('could not open local data', err);
  }
  const root = document.getElementById('app');
  if (root) render(<App />, root);
  startScheduler();
  // Photo uploads (tus) load after the first render, out of the initial bundle.
  void import('../features/photos/start').then((m) => m.startUploads());
  void checkStorage();
  registerServiceWorker();
}

void start();
