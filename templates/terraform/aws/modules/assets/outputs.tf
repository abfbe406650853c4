output "bucket" {
  description = "Name of the assets bucket."
  value       = aws_s3_bucket.assets.id
}

output "bucket_arn" {
  description = "ARN of the assets bucket."
  value       = aws_s3_bucket.assets.arn
}

output "url" {
  description = "Public URL of the assets."
  value       = "https://${var.host}"
}

output "distribution_id" {
  description = "CloudFront distribution (invalidations after a deploy)."
  value       = aws_cloudfront_distribution.assets.id
}
