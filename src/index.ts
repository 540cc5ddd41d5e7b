export * from './nginx/directive';
export * from './nginx/server';
export * from './nginx/config';
export * from './image/nginx-image';
export * from './image/scratch-image';
export * from './workload/nginx-workload';
export * from './workload/pss';
export * from './composition/scratch-nginx';
