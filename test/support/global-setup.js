module.exports = require('./global-scratch').setup;
