"""Create the S3 user, key, bucket and object the aws cases use.

    python moto_setup.py ENDPOINT OUT

The first three calls run before moto starts checking signatures: they
create an IAM user with full access and an access key for it. Everything
after is signed. The key kept is one whose secret holds a "/". OUT gets `KEY_ID SECRET` (mode 0600).
"""

import json
import os
import sys

import boto3

endpoint, out = sys.argv[1], sys.argv[2]
anon = dict(endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id="setup", aws_secret_access_key="setup")
iam = boto3.client("iam", **anon)
iam.create_user(UserName="e2e")
iam.put_user_policy(UserName="e2e", PolicyName="all", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="e2e")["AccessKey"]

# About half of real secret keys (40 characters of base64) hold a "/": make
# sure this one does, so every run tests that shape (signed calls now).
for _ in range(50):
    if "/" in key["SecretAccessKey"]:
        break
    signed = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id=key["AccessKeyId"],
                          aws_secret_access_key=key["SecretAccessKey"])
    new = signed.create_access_key(UserName="e2e")["AccessKey"]
    signed.delete_access_key(UserName="e2e", AccessKeyId=key["AccessKeyId"])
    key = new
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id=key["AccessKeyId"],
                  aws_secret_access_key=key["SecretAccessKey"])
s3.create_bucket(Bucket="private-bucket")
s3.put_object(Bucket="private-bucket", Key="hello.txt", Body=b"private data\n")
fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, f"{key['AccessKeyId']} {key['SecretAccessKey']}\n".encode())
os.close(fd)
