# tflint's configuration for the Terraform phase4 writes (test/validation/validators/terraform.ts passes it with
# --config). Only the terraform ruleset, which is built into tflint: it needs no `tflint --init`, and the cloud
# rulesets (aws, google, azurerm) are plugins that must be downloaded, which these machines cannot do.
config {
  # Lint the modules a root calls from local folders too (their variables, as the root passes them).
  call_module_type = "local"
}

# Every rule of the ruleset, not only the "recommended" ones: typed and documented variables and outputs, the
# standard module structure (main.tf, variables.tf, outputs.tf), naming conventions, pinned required_version and
# required_providers, unused declarations, deprecated syntax, comment syntax, and the rest.
plugin "terraform" {
  enabled = true
  preset  = "all"
}
