// Files the edge bundle imports as text (esbuild's `with { type: 'text' }`): app/edge/docs-assets.ts.
declare module 'swagger-ui-dist/swagger-ui.css' {
  const text: string;
  export default text;
}
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const text: string;
  export default text;
}
