//! Zhunong's HTTP service: settings, startup, routes (HTTP only), DTOs, services (transactions and
//! queries) and domain rules (pure, unit-tested).

pub mod auth;
pub mod background;
pub mod backup;
pub mod check;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod dto;
pub mod error;
pub mod extract;
pub mod generate;
pub mod known_routes;
pub mod listener;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod prepare;
pub mod render;
pub mod routes;
pub mod secrets;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
