/** Entry point of the web console bundle (scripts/build-web.mjs → web/dist/main.js). */
import '@cloudscape-design/global-styles/index.css';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';

const root = document.getElementById('root');
if (root === null) {
  throw new Error('index.html has no #root element');
}
createRoot(root).render(<App />);
