; Inno Setup script: the Windows installer of 惠泉台账 (a per-user install, no administrator needed).
;
; Built on a Windows machine (installer/windows-build.yml does it on a GitHub Actions runner):
;   pip install -e .[package]
;   pyinstaller --noconfirm installer/huiquan_desk.spec          -> dist\huiquan-desk\
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\huiquan_desk.iss
;                                                                 -> dist\huiquan-desk-0.1.0-setup.exe
; It cannot be built on the project's Linux machines (README 安装与打包).
;
; Data: the program keeps its data in %LOCALAPPDATA%\huiquan_desk (platformdirs), outside {app}
; (%LOCALAPPDATA%\Programs\huiquan-desk). Nothing below names that folder, so uninstalling never
; removes it, and installing a newer version over an older one (same AppId) leaves it as it is;
; the newer program backs the database up and migrates it on its first start.
; This file is UTF-8 with a byte-order mark (Inno Setup 6 reads the Chinese text from it).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "惠泉台账"
#define AppExe "huiquan-desk.exe"

[Setup]
; Never change the AppId: it is how an upgrade finds the older installation.
AppId={{6F1D3C2B-8A47-4E5B-9C3D-2B7A1E9F4C60}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=惠泉台账
VersionInfoVersion={#AppVersion}
DefaultDirName={localappdata}\Programs\huiquan-desk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=huiquan-desk-{#AppVersion}-setup
SetupIconFile=..\resources\icons\huiquan_desk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
CloseApplications=yes
; the license shown in the wizard: the program's own (Apache-2.0)
LicenseFile=..\resources\fonts\Apache-2.0.txt

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; an upgrade replaces the older program's files completely (only inside {app}; never the data folder)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\huiquan-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "社区居委会文明创建工作台账"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
