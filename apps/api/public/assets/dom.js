// Element builders. Text always goes in through textContent, never innerHTML: the page shows
// server responses and credentials, and none of it may ever become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(element, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class')
      element.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (key === 'text') element.textContent = String(value);
    else if (key === 'on')
      for (const [type, listener] of Object.entries(value)) element.addEventListener(type, listener);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'style') throw new TypeError('style attributes are blocked by the CSP: use a class');
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** `h('p', { class: 'x' }, 'text', h('b', {}, 'bold'))` */
export function h(tag, props = {}, ...children) {
  return apply(document.createElement(tag), props, children);
}

/** The same for SVG elements (charts). */
export function s(tag, props = {}, ...children) {
  return apply(document.createElementNS(SVG_NS, tag), props, children);
}

export function replaceChildren(element, ...children) {
  element.replaceChildren();
  return apply(element, {}, children);
}

let idCounter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(stem) {
  idCounter += 1;
  return `${stem}-${idCounter}`;
}
