/**
 * The Control Center's HTTP side: fingerprinted assets, the page for every application route, the problem pages.
 */
package io.agentworkspace.ui.web;
