module.exports = require('./global-scratch').teardown;
