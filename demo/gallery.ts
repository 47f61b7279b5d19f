/// <reference types="vite/client" />
// The reference screenshots, as the tests keep them.
const images = import.meta.glob<string>('../test/screenshots/Chrome/baseline/*.png', { eager: true, query: '?url', import: 'default' });
const gallery = document.querySelector('#gallery')!;
for (const [path, url] of Object.entries(images).sort()) {
  const name = path.split('/').pop()!.replace('.png', '');
  const figure = document.createElement('figure');
  const image = Object.assign(document.createElement('img'), { src: url, alt: `click-to-call, ${name.replace('-', ' theme, state ')}` });
  const caption = Object.assign(document.createElement('figcaption'), { textContent: name });
  figure.append(image, caption);
  gallery.append(figure);
}
