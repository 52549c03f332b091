/**
 * The Amazon-owned documents Mado ships (spec §8.5): read-only, `Owner: "Amazon"`, version "1".
 * Their content is AWS's, with names, descriptions and parameters as AWS publishes them, so
 * scripts and consoles written against SSM see the same parameters. Local changes:
 * - AWS-UpdateSSMAgent's `source` points at Mado's agent manifest (`AGENT_UPDATE_MANIFEST_SOURCE`)
 *   instead of Amazon's S3 bucket;
 * - AWS-ConfigureAWSPackage is the single `aws:configurePackage` step of spec §8.5 (AWS's
 *   current version adds a Windows-only step that prepares a download folder);
 * - the `version` parameters of both have an `allowedPattern` (`VERSION_PATTERN`) where AWS has
 *   none, so that no free text reaches a node through them.
 *
 * Every entry parses with `parseCommandDocument`; a test holds that.
 */
import type { DocumentFormat } from './document.js';

export interface BuiltinDocument {
  readonly name: string;
  readonly owner: 'Amazon';
  readonly documentType: 'Command';
  readonly documentFormat: Extract<DocumentFormat, 'JSON'>;
  readonly documentVersion: '1';
  /** AWS sets none for these documents. */
  readonly targetType?: string;
  /** Exactly what `GetDocument` returns and what `Hash` is computed over. */
  readonly content: string;
}

/**
 * Where `aws:updateSsmAgent` finds the agent release manifest. The SSM agent replaces
 * `{Region}` in AWS's URL with its region; Mado's agent replaces `{ServerUrl}` with the URL of
 * the control plane it is registered with, so one document serves every installation.
 */
export const AGENT_UPDATE_MANIFEST_SOURCE = '{ServerUrl}/agent/ssm-agent-manifest.json';

/**
 * What the `version` parameters of AWS-UpdateSSMAgent and AWS-ConfigureAWSPackage accept: empty
 * (the latest), or up to 128 letters, digits and `. + ~ _ -` starting with a letter or digit
 * (`1.2.0`, `2.0.0-rc.1`, `1.0+build.7`). AWS leaves these free;
 * Mado constrains them so that a version never carries shell syntax to a node.
 */
export const VERSION_PATTERN = '^([0-9A-Za-z][0-9A-Za-z.+~_-]{0,127})?$';

const RUN_SHELL_SCRIPT = `{
    "schemaVersion":"1.2",
    "description":"Run a shell script or specify the commands to run.",
    "parameters":{
        "commands":{
            "type":"StringList",
            "description":"(Required) Specify a shell script or a command to run.",
            "minItems":1,
            "displayType":"textarea"
        },
        "workingDirectory":{
            "type":"String",
            "default":"",
            "description":"(Optional) The path to the working directory on your instance.",
            "maxChars":4096
        },
        "executionTimeout":{
            "type":"String",
            "default":"3600",
            "description":"(Optional) The time in seconds for a command to complete before it is considered to have failed. Default is 3600 (1 hour). Maximum is 172800 (48 hours).",
            "allowedPattern":"([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)"
        }
    },
    "runtimeConfig":{
        "aws:runShellScript":{
            "properties":[
                {
                    "id":"0.aws:runShellScript",
                    "runCommand":"{{ commands }}",
                    "workingDirectory":"{{ workingDirectory }}",
                    "timeoutSeconds":"{{ executionTimeout }}"
                }
            ]
        }
    }
}
`;

const RUN_POWERSHELL_SCRIPT = `{
    "schemaVersion":"1.2",
    "description":"Run a PowerShell script or specify the paths to scripts to run.",
    "parameters":{
        "commands":{
            "type":"StringList",
            "description":"(Required) Specify the commands to run or the paths to existing scripts on the instance.",
            "minItems":1,
            "displayType":"textarea"
        },
        "workingDirectory":{
            "type":"String",
            "default":"",
            "description":"(Optional) The path to the working directory on your instance.",
            "maxChars":4096
        },
        "executionTimeout":{
            "type":"String",
            "default":"3600",
            "description":"(Optional) The time in seconds for a command to be completed before it is considered to have failed. Default is 3600 (1 hour). Maximum is 172800 (48 hours).",
            "allowedPattern":"([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)"
        }
    },
    "runtimeConfig":{
        "aws:runPowerShellScript":{
            "properties":[
                {
                    "id":"0.aws:runPowerShellScript",
                    "runCommand":"{{ commands }}",
                    "workingDirectory":"{{ workingDirectory }}",
                    "timeoutSeconds":"{{ executionTimeout }}"
                }
            ]
        }
    }
}
`;

const UPDATE_SSM_AGENT = `{
    "schemaVersion": "1.2",
    "description": "Update the Amazon SSM Agent to the latest version or specified version.",
    "parameters": {
        "version": {
            "default": "",
            "description": "(Optional) A specific version of the Amazon SSM Agent to install. If not specified, the agent will be updated to the latest version.",
            "type": "String",
            "allowedPattern": "${VERSION_PATTERN}"
        },
        "allowDowngrade": {
            "default": "false",
            "description": "(Optional) Allow the Amazon SSM Agent service to be downgraded to an earlier version. If set to false, the service can be upgraded to newer versions only (default). If set to true, specify the earlier version.",
            "type": "String",
            "allowedValues": [
                "true",
                "false"
            ]
        }
    },
    "runtimeConfig": {
        "aws:updateSsmAgent": {
            "properties": [
                {
                "agentName": "amazon-ssm-agent",
                "source": "${AGENT_UPDATE_MANIFEST_SOURCE}",
                "allowDowngrade": "{{ allowDowngrade }}",
                "targetVersion": "{{ version }}"
                }
            ]
        }
    }
}
`;

const CONFIGURE_AWS_PACKAGE = `{
  "schemaVersion": "2.2",
  "description": "Install or uninstall a Distributor package. You can install the latest version, default version, or a version of the package you specify. Packages provided by AWS such as AmazonCloudWatchAgent, AwsEnaNetworkDriver, and AWSPVDriver are also supported.",
  "parameters": {
    "action": {
      "description": "(Required) Specify whether or not to install or uninstall the package.",
      "type": "String",
      "allowedValues": [
        "Install",
        "Uninstall"
      ]
    },
    "installationType": {
      "description": "(Optional) Specify the type of installation. Uninstall and reinstall: The application is taken offline until the reinstallation process completes. In-place update: The application is available while new or updated files are added to the installation.",
      "type": "String",
      "allowedValues": [
        "Uninstall and reinstall",
        "In-place update"
      ],
      "default": "Uninstall and reinstall"
    },
    "name": {
      "description": "(Required) The package to install/uninstall.",
      "type": "String",
      "allowedPattern": "^arn:[a-z0-9][-.a-z0-9]{0,62}:[a-z0-9][-.a-z0-9]{0,62}:([a-z0-9][-.a-z0-9]{0,62})?:([a-z0-9][-.a-z0-9]{0,62})?:(package|document)\\\\/[a-zA-Z0-9/:.\\\\-_]{1,128}$|^[a-zA-Z0-9/:.\\\\-_]{1,128}$"
    },
    "version": {
      "type": "String",
      "description": "(Optional) The version of the package to install or uninstall. If you don't specify a version, the system installs the latest published version by default. The system will only attempt to uninstall the version that is currently installed. If no version of the package is installed, the system returns an error.",
      "default": "",
      "allowedPattern": "${VERSION_PATTERN}"
    },
    "additionalArguments": {
      "description": "(Optional) The additional parameters to provide to your install, uninstall, or update scripts.",
      "type": "StringMap",
      "displayType": "textarea",
      "default": {},
      "maxChars": 4096
    }
  },
  "mainSteps": [
    {
      "action": "aws:configurePackage",
      "name": "configurePackage",
      "inputs": {
        "name": "{{ name }}",
        "action": "{{ action }}",
        "installationType": "{{installationType}}",
        "version": "{{ version }}",
        "additionalArguments": "{{ additionalArguments }}"
      }
    }
  ]
}
`;

function amazonDocument(name: string, content: string): BuiltinDocument {
  return { name, owner: 'Amazon', documentType: 'Command', documentFormat: 'JSON', documentVersion: '1', content };
}

/** The built-in documents, in the order `ListDocuments` lists them (by name). */
export const BUILTIN_DOCUMENTS: readonly BuiltinDocument[] = [
  amazonDocument('AWS-ConfigureAWSPackage', CONFIGURE_AWS_PACKAGE),
  amazonDocument('AWS-RunPowerShellScript', RUN_POWERSHELL_SCRIPT),
  amazonDocument('AWS-RunShellScript', RUN_SHELL_SCRIPT),
  amazonDocument('AWS-UpdateSSMAgent', UPDATE_SSM_AGENT),
];

const BY_NAME: ReadonlyMap<string, BuiltinDocument> = new Map(BUILTIN_DOCUMENTS.map((entry) => [entry.name, entry]));

/** The built-in document of that exact name (names are case-sensitive, as in SSM). */
export function findBuiltinDocument(name: string): BuiltinDocument | undefined {
  return BY_NAME.get(name);
}
