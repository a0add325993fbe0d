using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading;
using Xunit;

namespace GitOpsVela.Engine.Tests.Definitions;

/// <summary>The part of HCL KubeVela reads with terraform-config-inspect: variables (type, default, description) and output names.</summary>
public sealed class TerraformModuleTests
{
    [Fact]
    public void Variables_keep_their_type_as_written_their_default_and_description_and_outputs_their_names()
    {
        var module = TerraformModule.Read("""
            # A comment with a brace {
            // another }
            /* and a block comment { } */
            terraform {
              required_providers {
                aws = { source = "hashicorp/aws", version = "~> 5.0" }
              }
            }

            variable "name" {
              description = "The bucket's name: {braces} and \"quotes\" inside"
              type        = string
            }

            variable "tags" {
              type    = map(string)
              default = { team = "web", "cost-center" = "42" }
            }

            variable "sizes" {
              type = list(number)
              default = [
                1,
                -2.5,
                3e2,
              ]
              validation {
                condition     = length(var.sizes) > 0
                error_message = "At least one size, please: ${"}"}"
              }
            }

            variable "legacy" {
              type = "string"
              default = null
            }

            variable "computed" {
              default = join("-", ["a", "b"])
            }

            variable "object" {
              type = object({
                name = string
                port = optional(number, 80)
              })
              nullable = false
            }

            variable "policy" {
              default = <<-EOT
                {"Version": "2012-10-17"}
                EOT
            }

            resource "aws_s3_bucket" "this" {
              bucket = "${var.name}-${lookup(var.tags, "team", "x")}"
            }

            output "BUCKET" { value = aws_s3_bucket.this.bucket }
            output "ARN" {
              value     = aws_s3_bucket.this.arn
              sensitive = true
            }
            """);

        var v = module.Variables.ToDictionary(x => x.Name);
        Assert.Equal(["name", "tags", "sizes", "legacy", "computed", "object", "policy"], module.Variables.Select(x => x.Name));
        Assert.Equal("string", v["name"].Type);
        Assert.True(v["name"].Required);
        Assert.Equal("The bucket's name: {braces} and \"quotes\" inside", v["name"].Description);
        Assert.Equal("map(string)", v["tags"].Type);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"team":"web","cost-center":"42"}"""), v["tags"].Default));
        Assert.Equal("list(number)", v["sizes"].Type);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[1,-2.5,300]"), v["sizes"].Default));
        Assert.Equal("string", v["legacy"].Type);
        Assert.False(v["legacy"].Required);
        Assert.Null(v["legacy"].Default);
        Assert.False(v["computed"].Required);
        Assert.Null(v["computed"].Default);
        Assert.Equal("object({\n    name = string\n    port = optional(number, 80)\n  })", v["object"].Type);
        Assert.Equal("{\"Version\": \"2012-10-17\"}\n", v["policy"].Default!.GetValue<string>());
        Assert.Equal(["BUCKET", "ARN"], module.Outputs);
    }

    [Theory]
    [InlineData("variable \"a\" {\n  type = string\n", 1, "not closed")]
    [InlineData("variable \"a\" {\n  default = \"x\n}\n", 2, "quoted string is not closed")]
    [InlineData("variable {\n}\n", 1, "exactly one label")]
    [InlineData("variable \"a\" {}\nvariable \"a\" {}\n", 2, "declared more than once")]
    [InlineData("resource \"x\" \"y\" {\n  a = [1, 2}\n}\n", 2, "expected ']'")]
    [InlineData("/* never closed\nvariable \"a\" {}\n", 1, "comment is not closed")]
    [InlineData("variable \"a\" {\n  default = <<EOT\nno end\n}\n", 2, "heredoc")]
    public void Text_that_is_not_HCL_names_the_line(string hcl, int line, string message)
    {
        var ex = Assert.Throws<HclException>(() => TerraformModule.Read(hcl));
        Assert.Equal(line, ex.Line);
        Assert.Contains(message, ex.Message);
    }
}
