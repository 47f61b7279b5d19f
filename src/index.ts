// The npm entry: registers <click-to-call> and exports its API.
import './define.js';

export * from './element.js';
