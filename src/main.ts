import 'reflect-metadata';

console.log('wxpay-server: the HTTP adapter is not built yet.');
