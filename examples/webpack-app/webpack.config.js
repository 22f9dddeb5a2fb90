// webpack 5 config of the example app: html-webpack-plugin, a DefinePlugin that inlines Stripe keys
// from the environment, and secretgate's plugin (the gate) and loader (early, per-module feedback).
// SECRETGATE=off builds without secretgate, which is how the README's timing is measured.
'use strict'
const path = require('node:path')
const webpack = require('webpack')
const HtmlWebpackPlugin = require('html-webpack-plugin')
const SecretgatePlugin = require('secretgate/webpack')

const gate = process.env.SECRETGATE !== 'off'

module.exports = (_env, argv) => ({
  mode: argv.mode || 'production',
  context: __dirname,
  entry: './src/index.js',
  output: {
    path: path.resolve(__dirname, 'dist'),
    filename: '[name].[contenthash:8].js',
    clean: true,
  },
  devtool: 'source-map',
  module: {
    rules: gate
      ? [{ test: /\.[cm]?[jt]sx?$/, exclude: /node_modules/, use: 'secretgate/webpack-loader' }]
      : [],
  },
  plugins: [
    new HtmlWebpackPlugin({ template: './src/index.html', title: 'Checkout' }),
    new webpack.DefinePlugin({
      'process.env.STRIPE_PUBLISHABLE_KEY': JSON.stringify(process.env.STRIPE_PUBLISHABLE_KEY || ''),
      // The bug secretgate catches: this value must never reach a browser.
      'process.env.STRIPE_SECRET_KEY': JSON.stringify(process.env.STRIPE_SECRET_KEY || ''),
    }),
    ...(gate ? [new SecretgatePlugin()] : []),
  ],
  performance: { hints: false },
})
