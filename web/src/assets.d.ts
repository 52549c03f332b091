/** Style sheets imported for their side effect; esbuild's css loader bundles them into main.css. */
declare module '*.css';
