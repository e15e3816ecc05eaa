// PostCSS for the UI: Tailwind CSS 4 through its PostCSS plugin (used by `next build`).
const config = {
  plugins: {
    '@tailwindcss/postcss': {},
  },
};

export default config;
