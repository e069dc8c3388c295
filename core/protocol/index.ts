export * from './ids';
export * from './api';
export * from './events';
export * from './mesh';
export * from './text';
export * from './acd';
export * from './routes';
