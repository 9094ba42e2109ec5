/*
 * guard/yaml.h: stands in for libyaml's header on the command line's
 * include path (src/cli/meson.build): only the engine's frontmatter.c reads
 * YAML.
 */
#error "src/cli/ does not use libyaml: the engine parses front matter (frontmatter.h)"
